"""CIFAR-10 image classifier with a VGG-style Keras Sequential model."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

NUM_CLASSES = 10
BATCH_SIZE = 64
EPOCHS = 50
INPUT_SHAPE = (32, 32, 3)


def conv_block(filters):
    """Two 3x3 convolutions, then downsample; returned as a list to splice into Sequential."""
    return [
        layers.Conv2D(filters, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.Conv2D(filters, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(pool_size=2),
        layers.Dropout(0.25),
    ]


def build_model():
    model = keras.Sequential(
        [keras.Input(shape=INPUT_SHAPE)]
        + conv_block(32)
        + conv_block(64)
        + conv_block(128)
        + [
            layers.Flatten(),
            layers.Dense(512, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="cifar10_vgg",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def load_data():
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    x_train = x_train.astype(np.float32) / 255.0
    x_test = x_test.astype(np.float32) / 255.0
    return (x_train, y_train), (x_test, y_test)


if __name__ == "__main__":
    (x_train, y_train), (x_test, y_test) = load_data()
    model = build_model()
    model.summary()
    history = model.fit(
        x_train,
        y_train,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_split=0.1,
        shuffle=True,
    )
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.3f}")
    model.save("cifar10_vgg.keras")
